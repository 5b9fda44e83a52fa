{#-
  QA evaluations per agent (work e-mail, as the quality team's export names them) per local evaluation day,
  with the mean and lowest score. Joined to dim_agents on EMAIL by whoever needs the Gladly id: a join here
  would put this model downstream of the roster and BambooHR pipelines too.
-#}
select
    {{ xo_local_date('EVALUATED_AT', 'SOURCE_TIMEZONE') }} as EVALUATION_DATE,
    AGENT_EMAIL,
    max(AGENT_NAME) as AGENT_NAME,
    count(*) as EVALUATIONS,
    avg(SCORE_PCT) as AVG_SCORE_PCT,
    min(SCORE_PCT) as MIN_SCORE_PCT
from {{ ref('QA_SCORES') }}
group by {{ xo_local_date('EVALUATED_AT', 'SOURCE_TIMEZONE') }}, AGENT_EMAIL
