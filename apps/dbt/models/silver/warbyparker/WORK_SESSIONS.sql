{#-
  Every Gladly work session ever loaded (one agent's part of a contact), typed, in its latest version.
  Gladly places a contact's rows by its end (by its creation while it is open), and after-contact time keeps
  growing after the end, so a contact's rows come again in later pulls (ADR 007): `unique_key` is the contact
  session, whose rows always travel together (they share the anchor), so the newest pull replaces all of a
  contact's earlier rows, the open ones (no WORK_SESSION_ID, no agent yet) included; `ANCHORED_AT` is where
  the rows were placed, so reloading a window replaces exactly what that window held.
-#}
{{ config(
    incremental_strategy='replace_window',
    unique_key=['CONTACT_SESSION_ID'],
    window_column='ANCHORED_AT',
) }}

select
    nullif(ID, '') as WORK_SESSION_ID,
    CONTACT_SESSION_ID,
    nullif(AGENT_ID, '') as AGENT_ID,
    {{ xo_utc_timestamp("coalesce(nullif(CONTACT_SESSION_ENDED_AT, ''), CONTACT_SESSION_CREATED_AT)") }}
        as ANCHORED_AT,
    {{ xo_utc_timestamp('CONTACT_SESSION_CREATED_AT') }} as CONTACT_SESSION_CREATED_AT,
    {{ xo_source_timezone('wbp_db', 'GLADLY_WORK_SESSIONS') }} as SOURCE_TIMEZONE,
    CUSTOMER_ID,
    CONVERSATION_ID,
    INBOX_ID,
    ACCEPTED_INBOX_ID,
    CHANNEL,
    DIRECTION,
    {{ xo_utc_timestamp("nullif(CONTACT_SESSION_ROUTED_AT, '')") }} as CONTACT_SESSION_ROUTED_AT,
    {{ xo_utc_timestamp("nullif(AGENT_ACCEPTED_AT, '')") }} as AGENT_ACCEPTED_AT,
    {{ xo_utc_timestamp("nullif(SLA_FULFILLED_AT, '')") }} as SLA_FULFILLED_AT,
    {{ xo_utc_timestamp("nullif(CONTACT_SESSION_ENDED_AT, '')") }} as CONTACT_SESSION_ENDED_AT,
    STATUS,
    cast(nullif(WITHIN_SLA, '') as {{ dbt.type_boolean() }}) as WITHIN_SLA,
    cast(nullif(WORK_SESSION_HANDLE_TIME_SEC, '') as {{ dbt.type_bigint() }}) as WORK_SESSION_HANDLE_TIME_SEC,
    cast(nullif(WORK_SESSION_AFTER_CONTACT_TIME_SEC, '') as {{ dbt.type_bigint() }})
        as WORK_SESSION_AFTER_CONTACT_TIME_SEC,
    cast(nullif(WORK_SESSION_UNKNOWN_TIME_SEC, '') as {{ dbt.type_bigint() }}) as WORK_SESSION_UNKNOWN_TIME_SEC,
    {{ xo_lineage_columns() }}
from {{ source('wbp_db', 'GLADLY_WORK_SESSIONS') }}
