{#- Every Gladly work session ever loaded (one agent's part of a contact), typed; anchored on the contact's creation. -#}
{{ config(
    incremental_strategy='replace_window',
    unique_key=['CONTACT_SESSION_ID', 'AGENT_ID'],
    window_column='CONTACT_SESSION_CREATED_AT',
) }}

select
    ID as WORK_SESSION_ID,
    CONTACT_SESSION_ID,
    AGENT_ID,
    {{ xo_utc_timestamp('CONTACT_SESSION_CREATED_AT') }} as CONTACT_SESSION_CREATED_AT,
    {{ xo_source_timezone('wbp_db', 'GLADLY_WORK_SESSIONS') }} as SOURCE_TIMEZONE,
    CUSTOMER_ID,
    CONVERSATION_ID,
    INBOX_ID,
    ACCEPTED_INBOX_ID,
    CHANNEL,
    DIRECTION,
    {{ xo_utc_timestamp('CONTACT_SESSION_ROUTED_AT') }} as CONTACT_SESSION_ROUTED_AT,
    {{ xo_utc_timestamp('AGENT_ACCEPTED_AT') }} as AGENT_ACCEPTED_AT,
    {{ xo_utc_timestamp('SLA_FULFILLED_AT') }} as SLA_FULFILLED_AT,
    {{ xo_utc_timestamp('CONTACT_SESSION_ENDED_AT') }} as CONTACT_SESSION_ENDED_AT,
    STATUS,
    cast(WITHIN_SLA as {{ dbt.type_boolean() }}) as WITHIN_SLA,
    cast(WORK_SESSION_HANDLE_TIME_SEC as {{ dbt.type_bigint() }}) as WORK_SESSION_HANDLE_TIME_SEC,
    cast(WORK_SESSION_AFTER_CONTACT_TIME_SEC as {{ dbt.type_bigint() }}) as WORK_SESSION_AFTER_CONTACT_TIME_SEC,
    cast(WORK_SESSION_UNKNOWN_TIME_SEC as {{ dbt.type_bigint() }}) as WORK_SESSION_UNKNOWN_TIME_SEC,
    {{ xo_lineage_columns() }}
from {{ source('wbp_db', 'GLADLY_WORK_SESSIONS') }}
