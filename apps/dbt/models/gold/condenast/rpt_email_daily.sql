{#-
  Conde Nast's daily e-mail report: per local creation date, conversations that started on e-mail and how
  they went (closed, first-contact resolution, handle time), from SILVER.CONVERSATIONS.
-#}
select
    {{ xo_local_date('CREATED_AT', 'SOURCE_TIMEZONE') }} as REPORT_DATE,
    count(*) as CONVERSATIONS,
    sum(case when FIRST_CHANNEL = 'EMAIL' then 1 else 0 end) as EMAIL_CONVERSATIONS,
    sum(case when FIRST_CHANNEL = 'EMAIL' and STATUS = 'CLOSED' then 1 else 0 end) as EMAIL_CONVERSATIONS_CLOSED,
    sum(case when FIRST_CHANNEL = 'EMAIL' and IS_FCR_ELIGIBLE then 1 else 0 end) as EMAIL_FCR_ELIGIBLE,
    sum(case when FIRST_CHANNEL = 'EMAIL' and IS_FCR_SUCCESS then 1 else 0 end) as EMAIL_FCR_SUCCESS,
    avg(case when FIRST_CHANNEL = 'EMAIL' then CONVERSATION_HANDLE_TIME_IN_SECONDS end) as EMAIL_AVG_HANDLE_TIME_SEC,
    avg(case when FIRST_CHANNEL = 'EMAIL' then CREATED_TO_FIRST_CLOSED_TIME_IN_SECONDS end)
        as EMAIL_AVG_TIME_TO_FIRST_CLOSE_SEC
from {{ ref('CONVERSATIONS') }}
group by {{ xo_local_date('CREATED_AT', 'SOURCE_TIMEZONE') }}
