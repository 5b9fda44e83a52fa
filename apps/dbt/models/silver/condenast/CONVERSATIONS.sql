{#- Every Gladly conversation ever exported, typed; anchored on its creation (the export's window). -#}
{{ config(
    incremental_strategy='replace_window',
    unique_key=['CONVERSATION_ID'],
    window_column='CREATED_AT',
) }}

{%- set counts = [
    'CREATED_TO_FIRST_CLOSED_TIME_IN_SECONDS', 'CREATED_TO_LAST_CLOSED_TIME_IN_SECONDS',
    'CONVERSATION_HANDLE_TIME_IN_SECONDS', 'COUNT_OF_CONTACTS', 'COUNT_OF_CHANNELS', 'COUNT_OF_NOTES',
    'COUNT_OF_AGENTS_ASSIGNED', 'COUNT_OF_INBOXES_ASSIGNED', 'TIMES_AGENT_UNASSIGNED_BY_RULE', 'TIMES_CLOSED',
    'TIMES_REOPENED', 'TIMES_TOPIC_ADDED', 'TIMES_TOPIC_REMOVED', 'PAYMENT_REQUESTS_COMPLETED',
    'PAYMENT_REQUESTS_DECLINED',
] %}
{%- set texts = [
    'CUSTOMER_ID', 'CONVERSATION_LINK', 'STATUS', 'ASSIGNED_AGENT_ID_CURRENT', 'ASSIGNED_AGENT_NAME_CURRENT',
    'INBOX_ID_CURRENT', 'INBOX_NAME_CURRENT', 'INITIATOR_TYPE_CREATED', 'INITIATOR_AGENT_ID_CREATED',
    'INITIATOR_AGENT_NAME_CREATED', 'INBOX_ID_CREATED', 'INBOX_NAME_CREATED', 'ASSIGNED_AGENT_ID_CREATED',
    'ASSIGNED_AGENT_NAME_CREATED', 'INITIATOR_TYPE_LAST_CLOSED', 'INITIATOR_AGENT_ID_LAST_CLOSED',
    'INITIATOR_AGENT_NAME_LAST_CLOSED', 'INITIATOR_RULE_ID_LAST_CLOSED', 'INBOX_ID_LAST_CLOSED',
    'INBOX_NAME_LAST_CLOSED', 'ASSIGNED_AGENT_ID_LAST_CLOSED', 'ASSIGNED_AGENT_NAME_LAST_CLOSED', 'TOPICS',
    'TOPICS_WITH_HIERARCHY', 'FIRST_CONTACT_ID', 'FIRST_CHANNEL', 'SECOND_CHANNEL', 'THIRD_CHANNEL',
    'LAST_CHANNEL', 'MERGED_CONVERSATIONS', 'TIMEZONE_FILTER', 'INBOXES_FILTER',
] %}

select
    CONVERSATION_ID,
    {{ xo_utc_timestamp('CREATED_AT') }} as CREATED_AT,
    {{ xo_source_timezone('cnd_db', 'GLADLY_CONVERSATIONS') }} as SOURCE_TIMEZONE,
    {{ xo_utc_timestamp('FIRST_CLOSED_AT') }} as FIRST_CLOSED_AT,
    {{ xo_utc_timestamp('LAST_CLOSED_AT') }} as LAST_CLOSED_AT,
    {%- for column in texts %}
    {{ column }},
    {%- endfor %}
    {%- for column in counts %}
    cast({{ column }} as {{ dbt.type_bigint() }}) as {{ column }},
    {%- endfor %}
    cast(IS_FCR_ELIGIBLE as {{ dbt.type_boolean() }}) as IS_FCR_ELIGIBLE,
    cast(IS_FCR_SUCCESS as {{ dbt.type_boolean() }}) as IS_FCR_SUCCESS,
    cast(PAYMENT_AMOUNT_COMPLETED_USD as {{ dbt.type_numeric() }}) as PAYMENT_AMOUNT_COMPLETED_USD,
    cast(PAYMENT_AMOUNT_DECLINED_USD as {{ dbt.type_numeric() }}) as PAYMENT_AMOUNT_DECLINED_USD,
    {{ xo_lineage_columns() }}
from {{ source('cnd_db', 'GLADLY_CONVERSATIONS') }}
