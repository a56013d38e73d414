-- 004_planner_costs.sql — index lookups priced as what they are here: memory and SSD reads.
--
-- With the default random_page_cost (4, a spinning disk), PostgreSQL prices a primary-key lookup
-- in a small `users` table above a sequential scan of it, so every session row of a list page or
-- a calendar week looked its names up by scanning all users (two scans per row; 0.005 ms each at
-- 110 users against 0.001 ms by index, EXPLAIN ANALYZE). At 1.1 the same prepared statements use
-- users_pkey at every table size. It is a per-database setting: new connections (the workers,
-- PgBouncer's server connections) get it; nothing else changes.

DO $$
BEGIN
	EXECUTE format('ALTER DATABASE %I SET random_page_cost = 1.1', current_database());
END
$$;
