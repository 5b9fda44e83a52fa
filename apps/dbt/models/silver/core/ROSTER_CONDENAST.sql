{#-
  The Conde Nast agent roster sheet, as ROSTER_WARBYPARKER is Warby Parker's (macros/roster.sql): one row per
  Gladly agent id, the latest pull's row winning, agents removed from the sheet kept as last seen.
-#}
{{ config(incremental_strategy='delete+insert', unique_key='GLADLY_AGENT_ID') }}

{{ xo_roster_silver(source('cnd_db', 'SHEETS_AGENT_ROSTER')) }}
