// Who may decide what, as SQL shared by the queue, decisions and details. A person may decide the
// submitted assessments of:
//   - every unit they are an active officer or lead of;
//   - every child unit of a unit they are an active lead of;
//   - every child unit, of a unit they are an active officer of, that has no active officer of its own;
//   - the other child units of such a unit, once a submission has waited REVIEW_PARENT_DAYS (escalated);
// and never their own assessment. Withdrawn and erased (person-less) assessments are in no queue.

/**
 * A CTE "scope(unit_id, until)": the units the person (parameter $person) may decide, and the latest
 * submission time they may decide there ('infinity' for all, else the escalation cut-off $cutoff).
 */
export const scopeCte = (person: string, cutoff: string) => `scope AS (
  SELECT unit_id, max(until) AS until FROM (
    SELECT o.unit_id, 'infinity'::timestamptz AS until FROM officers o WHERE o.person_id = ${person} AND o.active
    UNION ALL
    SELECT c.id,
           CASE WHEN o.role = 'lead' OR NOT EXISTS (SELECT 1 FROM officers x WHERE x.unit_id = c.id AND x.active)
                THEN 'infinity'::timestamptz ELSE ${cutoff}::timestamptz END
      FROM officers o JOIN units c ON c.parent_id = o.unit_id WHERE o.person_id = ${person} AND o.active
  ) s GROUP BY unit_id)`;

/** The condition, over assessment alias a and its unit u, that the person may decide it (any status). */
export const mayDecide = (person: string, cutoff: string) => `EXISTS (
  SELECT 1 FROM officers o WHERE o.person_id = ${person} AND o.active AND (
    o.unit_id = a.unit_id
    OR (o.unit_id = u.parent_id AND (
      o.role = 'lead'
      OR a.submitted_at < ${cutoff}::timestamptz
      OR NOT EXISTS (SELECT 1 FROM officers x WHERE x.unit_id = a.unit_id AND x.active)))))`;

/** The condition that the person is an active lead of the assessment's unit or of its parent. */
export const isLeadOver = (person: string) => `EXISTS (
  SELECT 1 FROM officers o WHERE o.person_id = ${person} AND o.active AND o.role = 'lead'
     AND (o.unit_id = a.unit_id OR o.unit_id = u.parent_id))`;

export const DAY_MS = 86_400_000;
export const daysBefore = (now: Date, days: number) => new Date(now.getTime() - days * DAY_MS);
