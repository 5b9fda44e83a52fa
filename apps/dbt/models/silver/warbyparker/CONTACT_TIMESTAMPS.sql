{#- Every Gladly contact event ever loaded, typed; one day's BRONZE snapshot replaces that day (replace_window). -#}
{{ config(
    incremental_strategy='replace_window',
    unique_key=['CONTACT_ID', 'EVENT_TYPE', 'EVENT_AT'],
    window_column='EVENT_AT',
) }}

select
    {{ xo_utc_timestamp('"TIMESTAMP"') }} as EVENT_AT,
    {{ xo_source_timezone('wbp_db', 'GLADLY_CONTACT_TIMESTAMPS') }} as SOURCE_TIMEZONE,
    EVENT_TYPE,
    CONTACT_ID,
    CONVERSATION_ID,
    CUSTOMER_ID,
    CHANNEL,
    INITIATOR_TYPE,
    INITIATOR_ID,
    INITIATOR_AGENT_NAME,
    ASSIGNED_INBOX_ID,
    ASSIGNED_INBOX_NAME,
    ASSIGNED_AGENT_ID,
    ASSIGNED_AGENT_NAME,
    TRANSFERRED_TO_INBOX_NAME,
    FULFILLED_BY_CONTACT_ID,
    {{ xo_lineage_columns() }}
from {{ source('wbp_db', 'GLADLY_CONTACT_TIMESTAMPS') }}
