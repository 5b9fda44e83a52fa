{#-
  The partner's daily e-mail report (Gmail attachment email_report_YYYYMMDD.csv, load strategy full_refresh):
  one row per report date, queue and agent (per hour too when the partner sends the hourly variant).
  The mail that arrives on day D covers D-1, so the extraction window (the day the mail was received) never
  contains the report date: the anchor here is REPORT_DATE itself. delete+insert on REPORT_DATE replaces a
  reported day as a whole, so a corrected resend or a reload drops the rows the partner no longer reports.
-#}
{{ config(incremental_strategy='delete+insert', unique_key=['REPORT_DATE']) }}

{#- "1/19/2026" (daily) or "1/19/2026 13:00" (hourly): the date part, and the hour when there is one -#}
{%- set date_part %}split_part(trim("DATE"), ' ', 1){% endset %}
{%- set hour_part %}split_part(split_part(trim("DATE"), ' ', 2), ':', 1){% endset %}

with typed as (
    select
        {{ xo_text_date(date_part) }} as REPORT_DATE,
        {{ xo_text_bigint(hour_part) }} as REPORT_HOUR,
        {{ xo_source_timezone('cnd_db', 'GMAIL_EMAIL_DAILY_REPORT') }} as SOURCE_TIMEZONE,
        QUEUE,
        AGENT_NAME,
        lower(trim(AGENT_EMAIL)) as AGENT_EMAIL,
        {{ xo_text_bigint('EMAILS_RECEIVED') }} as EMAILS_RECEIVED,
        {{ xo_text_bigint('EMAILS_HANDLED') }} as EMAILS_HANDLED,
        cast(AVG_FIRST_RESPONSE_MIN as {{ dbt.type_numeric() }}) as AVG_FIRST_RESPONSE_MIN,
        {{ xo_lineage_columns() }}
    from {{ source('cnd_db', 'GMAIL_EMAIL_DAILY_REPORT') }}
)

select * from typed
