{#-
  Every version of every employee (SCD type 2 from the BambooHR history snapshot), across clients.
  VALID_FROM is the snapshot's (the day a future-dated change took effect, see snapshots/EMPLOYEE_HISTORY), except
  for an employee's first version: history starts at its LAST_CHANGED, the last edit before the first pull.
-#}
select
    EMPLOYEE_ID,
    EMPLOYEE_NUMBER,
    FIRST_NAME,
    LAST_NAME,
    FIRST_NAME || ' ' || LAST_NAME as DISPLAY_NAME,
    WORK_EMAIL,
    JOB_TITLE,
    DEPARTMENT,
    LOCATION,
    EMPLOYMENT_STATUS,
    HIRE_DATE,
    TERMINATION_DATE,
    SUPERVISOR_EMPLOYEE_ID,
    LAST_CHANGED,
    case
        when DBT_VALID_FROM = min(DBT_VALID_FROM) over (partition by EMPLOYEE_ID) and LAST_CHANGED < DBT_VALID_FROM
            then LAST_CHANGED
        else DBT_VALID_FROM
    end as VALID_FROM,
    DBT_VALID_TO as VALID_TO,
    DBT_VALID_TO is null as IS_CURRENT,
    DBT_SCD_ID as EMPLOYEE_VERSION_ID
from {{ ref('EMPLOYEE_HISTORY') }}
