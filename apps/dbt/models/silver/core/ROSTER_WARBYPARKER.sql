{#-
  The Warby Parker agent roster sheet (Google Sheets, load strategy `incremental`): every pull is the whole
  sheet; SILVER keeps one row per Gladly agent id, the latest pull's row replacing the previous one
  (delete+insert on the key), and agents removed from the sheet stay as last seen.
  A key typed twice in one pull keeps the row lower in the sheet. The Sheets API returns formatted values
  (Start Date "4/23/2022", Active "TRUE"); Employee ID is the BambooHR id as text (BAMBOOHR_EMPLOYEE_ID when
  it is a number). Changes between pulls are kept by snapshots/ROSTER_HISTORY.
-#}
{{ config(incremental_strategy='delete+insert', unique_key='GLADLY_AGENT_ID') }}

{{ xo_roster_silver(source('wbp_db', 'SHEETS_AGENT_ROSTER')) }}
