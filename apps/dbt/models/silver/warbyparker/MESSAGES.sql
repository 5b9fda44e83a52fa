{#-
  Every Sprout Social message ever loaded (inbound from customers, outbound replies of the social team), typed;
  one day's BRONZE snapshot replaces that day (replace_window on the creation instant), natural key the GUID.
-#}
{{ config(
    incremental_strategy='replace_window',
    unique_key=['GUID'],
    window_column='CREATED_AT',
) }}

select
    GUID,
    {{ xo_utc_timestamp('CREATED_TIME') }} as CREATED_AT,
    {{ xo_source_timezone('wbp_db', 'SPROUT_MESSAGES') }} as SOURCE_TIMEZONE,
    NETWORK,
    POST_TYPE,
    POST_CATEGORY,
    "TEXT" as MESSAGE_TEXT,
    PERMA_LINK,
    FROM_GUID,
    FROM_NAME,
    FROM_SCREEN_NAME,
    PROFILE_GUID,
    INTERNAL_TAGS_ID as TAG_IDS,
    INTERNAL_SENT_BY_ID as SENT_BY_USER_ID,
    INTERNAL_SENT_BY_EMAIL as SENT_BY_EMAIL,
    -- Sprout marks an agent's reply only by internal.sent_by; everything else came from a customer.
    INTERNAL_SENT_BY_ID is not null as IS_REPLY,
    {{ xo_lineage_columns() }}
from {{ source('wbp_db', 'SPROUT_MESSAGES') }}
