{#-
  Gladly agent ↔ employee: the roster sheet (SILVER ROSTER_WARBYPARKER, one row per Gladly agent id) joined to
  the current BambooHR record of the same person, by the roster's Employee ID, else the work e-mail
  (macros/roster.sql). Every client's agents together: CORE's dim_client_agents.
-#}
with roster as (
    select * from {{ xo_optional_relation(ref('ROSTER_WARBYPARKER'), xo_roster_columns()) }} r
),

{{ xo_agents_with_employees() }}
