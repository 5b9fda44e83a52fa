{#-
  Sprout Social messages per local day of creation (the pipeline's time zone) and network: every message,
  customers' messages, and the social team's replies (Sprout's internal.sent_by), with how many agents replied.
  Per day over all networks it equals xo_sandbox.sprout.truth.messages_per_day.
-#}
select
    {{ xo_local_date('CREATED_AT', 'SOURCE_TIMEZONE') }} as MESSAGE_DATE,
    NETWORK,
    count(*) as MESSAGES,
    sum(case when IS_REPLY then 0 else 1 end) as INBOUND_MESSAGES,
    sum(case when IS_REPLY then 1 else 0 end) as REPLIES,
    count(distinct SENT_BY_EMAIL) as AGENTS_REPLYING
from {{ ref('MESSAGES') }}
group by {{ xo_local_date('CREATED_AT', 'SOURCE_TIMEZONE') }}, NETWORK
