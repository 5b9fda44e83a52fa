{#-
  BambooHR employee history as SCD type 2 (load strategy `historical`); GOLD dim_employees adds IS_CURRENT.

  Each daily pull holds the values in effect on the day of the pull (the extractor always sends onlyCurrent=true,
  so a future-dated change is absent until its effective date). A new version starts whenever a tracked value
  changes (check strategy), not when LAST_CHANGED moves: BambooHR stamps LAST_CHANGED when a change is entered,
  possibly weeks before it takes effect, and does not document stamping it again on the effective date.

  A version is valid from EFFECTIVE_FROM (the snapshot's updated_at):
    - LAST_CHANGED when it falls in or after the pull's window: entered that day and in effect at once (a change
      entered the day before its effective date shows from its entry, at most one day early);
    - otherwise the window's end, i.e. the start of the day the pull ran: a change entered earlier for a later
      date took effect that day. This holds for runs on schedule (daily, one day of lag); a backfill of an old
      window still reads today's values, BambooHR cannot answer "as of" a past day.
-#}
{% snapshot EMPLOYEE_HISTORY %}
{{ config(
    unique_key='EMPLOYEE_ID',
    strategy='check',
    check_cols=[
        'EMPLOYEE_NUMBER', 'FIRST_NAME', 'LAST_NAME', 'WORK_EMAIL', 'JOB_TITLE', 'DEPARTMENT', 'LOCATION',
        'EMPLOYMENT_STATUS', 'HIRE_DATE', 'TERMINATION_DATE', 'SUPERVISOR_EMPLOYEE_ID',
    ],
    updated_at='EFFECTIVE_FROM',
) }}

with pulled as (
    select
        cast(ID as {{ dbt.type_bigint() }}) as EMPLOYEE_ID,
        EMPLOYEE_NUMBER,
        FIRST_NAME,
        LAST_NAME,
        WORK_EMAIL,
        JOB_TITLE,
        DEPARTMENT,
        LOCATION,
        STATUS as EMPLOYMENT_STATUS,
        cast(HIRE_DATE as date) as HIRE_DATE,
        cast(TERMINATION_DATE as date) as TERMINATION_DATE,
        cast(SUPERVISOR_EID as {{ dbt.type_bigint() }}) as SUPERVISOR_EMPLOYEE_ID,
        {{ xo_utc_timestamp('LAST_CHANGED') }} as LAST_CHANGED,
        {{ xo_lineage_columns() }}
    from {{ source('core_db', 'BAMBOOHR_EMPLOYEE_HISTORY') }}
)

select
    *,
    case when LAST_CHANGED >= _XO_WINDOW_START then LAST_CHANGED else _XO_WINDOW_END end as EFFECTIVE_FROM
from pulled

{% endsnapshot %}
