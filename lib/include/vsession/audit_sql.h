/*
 * audit_sql.h — the one definition of the audit-log row that a change
 * writes in its own statement.
 *
 * A change and its audit row commit together or not at all, in one round
 * trip, because the row is written by a data-modifying CTE (or the trailing
 * INSERT) of the very statement that makes the change. These macros give
 * that INSERT its one text; each statement only names what differs.
 * String literals only, no includes: tests/isolation/run.sh expands this
 * header with the C preprocessor to compare the specs' copies of statements.
 */
#ifndef VSESSION_AUDIT_SQL_H
#define VSESSION_AUDIT_SQL_H

/* The columns such a row fills, in the order VS_AUDIT_ROW's SELECT gives them. */
#define VS_AUDIT_INSERT \
	" INSERT INTO audit_log (actor_id, action, object_type, object_id, outcome, request_id, client_addr)"

/*
 * One successful ("ok") audit row, selected FROM from_: actor, object,
 * reqid and addr are SQL expressions ("$2", "s.id"); action and type are
 * string literals, quoted here. from_ may carry a WHERE clause.
 */
#define VS_AUDIT_ROW(actor, action, type, object, reqid, addr, from_) \
	VS_AUDIT_INSERT " SELECT " actor ", '" action "', '" type "', " object ", 'ok', " \
	reqid ", " addr " FROM " from_

#endif
