{#-
  BambooHR employee history as SCD type 2 (load strategy `historical`): a new version whenever lastChanged
  moves; DBT_VALID_FROM/DBT_VALID_TO bound each version (GOLD dim_employees adds IS_CURRENT).
-#}
{% snapshot EMPLOYEE_HISTORY %}
{{ config(unique_key='EMPLOYEE_ID', strategy='timestamp', updated_at='LAST_CHANGED') }}

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

{% endsnapshot %}
