{#-
  Conde Nast's daily e-mail report, per report date (New York):
  - from the partner's report (SILVER.EMAIL_DAILY_REPORT): e-mails received and handled, and the mean first
    response weighted by e-mails handled (the partner gives a mean per agent; weighting by the e-mails it was
    measured on gives the day's true mean). EMAILS_RECEIVED equals xo_sandbox.google.gmail.truth
    .emails_received_by_date;
  - from Gladly (SILVER.CONVERSATIONS, by local creation date): conversations that started on e-mail and how
    they went, to set beside the partner's numbers.
  Either side may not have been loaded yet (each pipeline builds this model on its own): its columns are NULL.
-#}
with report as (
    select
        REPORT_DATE,
        count(distinct AGENT_EMAIL) as AGENTS_REPORTED,
        sum(EMAILS_RECEIVED) as EMAILS_RECEIVED,
        sum(EMAILS_HANDLED) as EMAILS_HANDLED,
        sum(AVG_FIRST_RESPONSE_MIN * EMAILS_HANDLED) / nullif(sum(case when AVG_FIRST_RESPONSE_MIN is not null
            then EMAILS_HANDLED end), 0) as AVG_FIRST_RESPONSE_MIN
    from {{ xo_optional_relation(ref('EMAIL_DAILY_REPORT'), {
        'REPORT_DATE': 'date', 'AGENT_EMAIL': dbt.type_string(), 'EMAILS_RECEIVED': dbt.type_bigint(),
        'EMAILS_HANDLED': dbt.type_bigint(), 'AVG_FIRST_RESPONSE_MIN': dbt.type_numeric()}) }} r
    group by REPORT_DATE
),

conversations as (
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
    from {{ xo_optional_relation(ref('CONVERSATIONS'), {
        'CREATED_AT': dbt.type_timestamp(), 'SOURCE_TIMEZONE': dbt.type_string(), 'FIRST_CHANNEL': dbt.type_string(),
        'STATUS': dbt.type_string(), 'IS_FCR_ELIGIBLE': dbt.type_boolean(), 'IS_FCR_SUCCESS': dbt.type_boolean(),
        'CONVERSATION_HANDLE_TIME_IN_SECONDS': dbt.type_bigint(),
        'CREATED_TO_FIRST_CLOSED_TIME_IN_SECONDS': dbt.type_bigint()}) }} c
    group by {{ xo_local_date('CREATED_AT', 'SOURCE_TIMEZONE') }}
)

select
    coalesce(r.REPORT_DATE, c.REPORT_DATE) as REPORT_DATE,
    r.EMAILS_RECEIVED,
    r.EMAILS_HANDLED,
    r.AVG_FIRST_RESPONSE_MIN,
    r.AGENTS_REPORTED,
    c.CONVERSATIONS,
    c.EMAIL_CONVERSATIONS,
    c.EMAIL_CONVERSATIONS_CLOSED,
    c.EMAIL_FCR_ELIGIBLE,
    c.EMAIL_FCR_SUCCESS,
    c.EMAIL_AVG_HANDLE_TIME_SEC,
    c.EMAIL_AVG_TIME_TO_FIRST_CLOSE_SEC
from report r
full outer join conversations c on c.REPORT_DATE = r.REPORT_DATE
