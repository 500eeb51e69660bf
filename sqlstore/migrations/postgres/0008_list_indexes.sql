-- 0008: an index per event kind on (the employee a record belongs to, its
-- dating field), so that a scoped list — an agent's own records, a
-- supervisor's groups' — reads each employee's newest rows directly
-- instead of scanning every row of the period; contracts get an index on
-- their dating field (start_date) too.
CREATE INDEX visits_advisor ON visits (advisor_id, visit_date);
CREATE INDEX service_requests_employee ON service_requests (employee_id, opened_at);
CREATE INDEX complaints_employee ON complaints (employee_id, opened_at);
CREATE INDEX return_visits_specialist ON return_visits (specialist_id, done_date);
CREATE INDEX return_visit_plans_specialist ON return_visit_plans (specialist_id, planned_date);
CREATE INDEX surveys_employee ON surveys (employee_id, answered_at);
CREATE INDEX qa_evaluations_inspector ON qa_evaluations (inspector_id, evaluated_at);
CREATE INDEX orders_employee ON orders (employee_id, ordered_at);
CREATE INDEX contracts_start ON contracts (start_date);
CREATE INDEX contracts_employee ON contracts (employee_id, start_date);
