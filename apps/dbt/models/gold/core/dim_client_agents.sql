{#-
  Every client's Gladly agents with their BambooHR employee, one row per (CLIENT_CODE, AGENT_ID): the roster
  sheets of Warby Parker (WBP) and Conde Nast (CND) matched as dim_agents matches one (macros/roster.sql). The
  cross-client dimension of CORE: one person may work for several clients.
-#}
{%- set columns = xo_roster_columns() -%}
with roster as (
    select 'WBP' as CLIENT_CODE, {{ columns.keys() | join(', ') }}
    from {{ xo_optional_relation(ref('ROSTER_WARBYPARKER'), columns) }} r
    union all
    select 'CND' as CLIENT_CODE, {{ columns.keys() | join(', ') }}
    from {{ xo_optional_relation(ref('ROSTER_CONDENAST'), columns) }} r
),

{{ xo_agents_with_employees(['CLIENT_CODE']) }}
