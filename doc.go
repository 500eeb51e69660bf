// Package csperf holds the domain of csperf, a customer-service performance
// management system: the record kinds an after-sales department keeps, the
// calendar and money types that decide figures exactly, and the error codes
// every layer shares. It imports only the standard library; calculations
// live in sub-packages (churn, kpi, …), storage in sqlstore, the HTTP
// surface in web and the command line in cmd/csperf.
package csperf
