{#-
  The BambooHR directory (current staff, load strategy `full_refresh`): each day's snapshot merged on the
  employee id, so people who left the directory stay as last seen. History of changes: snapshots/EMPLOYEE_HISTORY.
-#}
{{ config(incremental_strategy='delete+insert', unique_key='EMPLOYEE_ID') }}

select
    cast(ID as {{ dbt.type_bigint() }}) as EMPLOYEE_ID,
    DISPLAY_NAME,
    FIRST_NAME,
    LAST_NAME,
    PREFERRED_NAME,
    JOB_TITLE,
    WORK_EMAIL,
    DEPARTMENT,
    LOCATION,
    DIVISION,
    SUPERVISOR,
    {{ xo_lineage_columns() }}
from {{ source('core_db', 'BAMBOOHR_EMPLOYEES') }}
