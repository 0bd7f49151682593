-- Nothing to do on SQLite: a deleted row leaves no dead entry behind in its table or indexes (the PostgreSQL
-- migration of this number tunes autovacuum for the routing queue). Kept so both engines share their numbering.
SELECT 1;
