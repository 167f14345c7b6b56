/**
 * Due marks by type: the worker takes members before groups, oldest first. With the type first
 * in the index, each (type, state) is one range read in order, LIMIT rows deep, however large
 * the backlog (an initial Entra cycle leaves 100,000 marks; ordering by an expression sorted
 * them all on every tick).
 */
export default `
DROP INDEX sync_marks_due;
CREATE INDEX sync_marks_due ON sync_marks(entity_type, state, next_attempt_at);
`;
