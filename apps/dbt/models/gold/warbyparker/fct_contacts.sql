{#-
  One row per Gladly contact, from its events in SILVER.CONTACT_TIMESTAMPS.
  "Handled" is the Gladly simulator's truth (xo_sandbox.gladly.truth): the contact has a CONTACT/FULFILLED
  event (first agent reply, or the call picked up); the handling agent is the ASSIGNED_AGENT_ID on that row
  (a later transfer does not move the credit); the contact counts on the local date of its CONTACT/STARTED.
-#}
with events as (
    select * from {{ ref('CONTACT_TIMESTAMPS') }}
),

per_contact as (
    select
        CONTACT_ID,
        max(CONVERSATION_ID) as CONVERSATION_ID,
        max(CUSTOMER_ID) as CUSTOMER_ID,
        max(CHANNEL) as CHANNEL,
        max(SOURCE_TIMEZONE) as SOURCE_TIMEZONE,
        min(case when EVENT_TYPE = 'CONTACT/STARTED' then EVENT_AT end) as STARTED_AT,
        min(case when EVENT_TYPE = 'CONTACT/FULFILLED' then EVENT_AT end) as FULFILLED_AT,
        max(case when EVENT_TYPE = 'CONTACT/ENDED' then EVENT_AT end) as ENDED_AT,
        sum(case when EVENT_TYPE = 'CONTACT/TRANSFERRED' then 1 else 0 end) as TRANSFER_COUNT,
        count(*) as EVENT_COUNT
    from events
    group by CONTACT_ID
),

first_fulfilment as (
    select CONTACT_ID, ASSIGNED_AGENT_ID as HANDLED_BY_AGENT_ID, ASSIGNED_AGENT_NAME as HANDLED_BY_AGENT_NAME
    from (
        select
            CONTACT_ID,
            ASSIGNED_AGENT_ID,
            ASSIGNED_AGENT_NAME,
            row_number() over (partition by CONTACT_ID order by EVENT_AT) as FULFILMENT_NUMBER
        from events
        where EVENT_TYPE = 'CONTACT/FULFILLED'
    ) fulfilled
    where FULFILMENT_NUMBER = 1
),

started_inbox as (
    select CONTACT_ID, ASSIGNED_INBOX_ID as STARTED_INBOX_ID, ASSIGNED_INBOX_NAME as STARTED_INBOX_NAME
    from events
    where EVENT_TYPE = 'CONTACT/STARTED'
)

select
    c.CONTACT_ID,
    c.CONVERSATION_ID,
    c.CUSTOMER_ID,
    c.CHANNEL,
    s.STARTED_INBOX_ID,
    s.STARTED_INBOX_NAME,
    c.STARTED_AT,
    c.FULFILLED_AT,
    c.ENDED_AT,
    c.SOURCE_TIMEZONE,
    {{ xo_local_date('c.STARTED_AT', 'c.SOURCE_TIMEZONE') }} as STARTED_LOCAL_DATE,
    c.FULFILLED_AT is not null as IS_HANDLED,
    f.HANDLED_BY_AGENT_ID,
    f.HANDLED_BY_AGENT_NAME,
    {{ dbt.datediff('c.STARTED_AT', 'c.FULFILLED_AT', 'millisecond') }} / 1000.0 as FIRST_RESPONSE_SEC,
    -- exact integer milliseconds: aggregates sum these, so a rebuild gives the same digits (a parallel sum of
    -- floats does not always)
    {{ dbt.datediff('c.STARTED_AT', 'c.FULFILLED_AT', 'millisecond') }} as FIRST_RESPONSE_MS,
    c.TRANSFER_COUNT,
    c.EVENT_COUNT,
    -- false while part of the contact's events belong to a day not loaded yet (a contact across midnight)
    (c.STARTED_AT is not null and c.ENDED_AT is not null) as IS_COMPLETE
from per_contact c
left join first_fulfilment f on f.CONTACT_ID = c.CONTACT_ID
left join started_inbox s on s.CONTACT_ID = c.CONTACT_ID
