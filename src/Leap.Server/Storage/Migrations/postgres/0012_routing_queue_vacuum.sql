-- The routing queue is a queue: every row is inserted, then deleted within seconds. With the default settings
-- autovacuum visits a table once a fifth of it is dead, which for a table that is nearly empty most of the time
-- means rarely relative to its churn; the dead rows then pile up in its heap and indexes and every claim walks
-- them (measured: about 16-20 ms a claim under booking load, and routing fell behind). Vacuum and analyze it
-- after a fixed number of changes instead, without the cost-based pauses.
ALTER TABLE routing_queue SET (
  autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000,
  autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 1000,
  autovacuum_vacuum_cost_delay = 0
);
