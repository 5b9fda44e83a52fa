#!/usr/bin/env bash
# Deploy the migrations to one environment:
#   ./deploy.sh dev|prod [more `schemachange deploy` options, e.g. --schemachange-dry-run]
# Connection and credentials come from SNOWFLAKE_* environment variables (README); nothing secret is
# read from or written to a file here. SCHEMACHANGE and PYTHON override the executables used.
set -euo pipefail

env_name="${1:?usage: deploy.sh dev|prod [schemachange deploy options]}"
shift
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
vars_file="$here/vars/$env_name.yml"
if [[ ! -f "$vars_file" ]]; then
    echo "deploy.sh: no vars file for environment '$env_name' ($vars_file)" >&2
    exit 2
fi

python="${PYTHON:-python3}"
# schemachange takes --vars as JSON; the vars files are YAML for comments. pyyaml comes with schemachange.
vars_json="$("$python" -c 'import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))' "$vars_file")"
admin_database="$("$python" -c 'import json, sys; print(json.loads(sys.argv[1])["admin_database"])' "$vars_json")"

# Each environment keeps its own change history, so deploying dev never marks a prod version applied.
cd "$here"
exec "${SCHEMACHANGE:-schemachange}" deploy \
    --config-folder "$here" \
    --vars "$vars_json" \
    --change-history-table "$admin_database.SCHEMACHANGE.CHANGE_HISTORY" \
    "$@"
