-- Hand-written: the operator's list of environments by where their data lives (GET /operator/environments), a seek
-- per page instead of a walk of every environment (the 'moving' ones are few among 100,000s).
CREATE INDEX `environments_location_idx` ON `environments` (`data_location`, `id`);
