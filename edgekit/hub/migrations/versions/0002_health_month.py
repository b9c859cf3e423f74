"""The health figures per box and month as a materialized view: the pages read a few thousand rows however many
visits the district holds, and the view is refreshed (concurrently, readers never wait) when records arrived.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03
"""

from alembic import op

# WHO antenatal contacts on time: a woman's first visit inside one of the eight contact windows counts once, in the
# month it happened. Danger signs: visits where triage found any. Referrals made in the month, and of those, how
# many arrived (arrived, treated or closed) and how many were closed (treated or closed).
HEALTH_MONTH_VIEW_SQL = """
WITH first_in_window AS (
    SELECT box_id, woman_code, anc_contact, min(visit_date) AS day
    FROM hub_visit WHERE anc_contact IS NOT NULL
    GROUP BY box_id, woman_code, anc_contact
), anc AS (
    SELECT box_id, date_trunc('month', day)::date AS month, count(*) AS n FROM first_in_window GROUP BY 1, 2
), signs AS (
    SELECT box_id, month, count(*) FILTER (WHERE sign_codes <> '') AS n FROM hub_visit GROUP BY 1, 2
), refs AS (
    SELECT box_id, month, count(*) AS made,
           count(*) FILTER (WHERE status IN ('arrived', 'treated', 'closed')) AS arrived,
           count(*) FILTER (WHERE status IN ('treated', 'closed')) AS closed
    FROM hub_referral GROUP BY 1, 2
), keys AS (
    SELECT box_id, month FROM anc UNION SELECT box_id, month FROM signs UNION SELECT box_id, month FROM refs
)
SELECT k.box_id, k.month, coalesce(anc.n, 0) AS anc_on_time, coalesce(signs.n, 0) AS danger_signs,
       coalesce(refs.made, 0) AS referrals_made, coalesce(refs.arrived, 0) AS referrals_arrived,
       coalesce(refs.closed, 0) AS referrals_closed
FROM keys k
LEFT JOIN anc ON anc.box_id = k.box_id AND anc.month = k.month
LEFT JOIN signs ON signs.box_id = k.box_id AND signs.month = k.month
LEFT JOIN refs ON refs.box_id = k.box_id AND refs.month = k.month
"""

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(f"CREATE MATERIALIZED VIEW hub_health_month AS {HEALTH_MONTH_VIEW_SQL} WITH DATA")
    op.execute("CREATE UNIQUE INDEX ix_hub_health_month ON hub_health_month (month, box_id)")


def downgrade() -> None:
    op.execute("DROP MATERIALIZED VIEW hub_health_month")
