package sqlstore

import (
	"context"

	"csperf"
)

// NextVisitDates returns, for each visit of the customer, the date of the
// customer's next visit ("" for the last): the derived column churn reads.
func (db *DB) NextVisitDates(ctx context.Context, customerID string) (map[string]string, error) {
	rows, err := db.r.QueryContext(ctx, db.q(`SELECT visit_id, next_date FROM visits WHERE customer_id = ?`), customerID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id string
		var nd any
		if err := rows.Scan(&id, &nd); err != nil {
			return nil, err
		}
		if nd != nil {
			var dt csperf.Date
			if err := dt.Scan(nd); err != nil {
				return nil, err
			}
			out[id] = dt.String()
		} else {
			out[id] = ""
		}
	}
	return out, rows.Err()
}
