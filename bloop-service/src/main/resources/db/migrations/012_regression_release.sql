-- The release of the event that re-opened a resolved group (regressions written by the writer,
-- actor 'system'); NULL for people's status changes and for regressions recorded before this column.
-- Release impact (analytics) counts regressions per release from it.
ALTER TABLE status_history ADD COLUMN release TEXT;
