-- 0010: return visits by customer and date, so that the reasons the
-- churned customers of a month gave (ChurnReasons: each customer's latest
-- return visit after their last visit) are read per customer directly,
-- in one statement per chunk of customers, instead of a scan of every
-- return visit after a date.
CREATE INDEX return_visits_customer ON return_visits (customer_id, done_date);
