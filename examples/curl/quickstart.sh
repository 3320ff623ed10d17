#!/usr/bin/env bash
# The quickstart with curl and jq: create a source, push items, run, apply, search, ask.
# Needs CHATBOT_API (e.g. http://127.0.0.1:3000/api) and CHATBOT_KEY (a write key).
# Prints what each step answered, then one JSON line summing it up.
set -euo pipefail
: "${CHATBOT_API:?set CHATBOT_API, e.g. http://127.0.0.1:3000/api}"
: "${CHATBOT_KEY:?set CHATBOT_KEY to a write key}"

# call METHOD PATH [BODY]: every mutation gets its own Idempotency-Key, so a retried request is
# applied once. Retries 429 and 5xx after Retry-After (or 1 s), up to 3 times. Sets STATUS,
# LOCATION and BODY.
call() {
  local method=$1 path=$2 data=${3-} key attempt headers
  key=$(cat /proc/sys/kernel/random/uuid 2>/dev/null || uuidgen)
  for attempt in 1 2 3 4; do
    headers=$(mktemp)
    BODY=$(curl -sS -X "$method" "$CHATBOT_API$path" -D "$headers" \
      -H "Authorization: Bearer $CHATBOT_KEY" -H "Content-Type: application/json" \
      -H "Idempotency-Key: $key" ${data:+--data-binary "$data"})
    STATUS=$(awk 'NR==1 {print $2}' "$headers")
    LOCATION=$(awk 'tolower($1)=="location:" {print $2}' "$headers" | tr -d '\r')
    local retry_after
    retry_after=$(awk 'tolower($1)=="retry-after:" {print $2}' "$headers" | tr -d '\r')
    rm -f "$headers"
    if [[ $STATUS != 429 && $STATUS != 5* ]] || [[ $attempt == 4 ]]; then break; fi
    sleep "${retry_after:-1}"
  done
  if [[ $STATUS != 2* ]]; then
    echo "$method $path -> $STATUS $BODY" >&2
    exit 1
  fi
}

# poll PATH ENVELOPE: GET a 202's Location until the work has succeeded (or failed: exit 1).
poll() {
  local path=${1#/api} envelope=$2 status
  for _ in $(seq 1 600); do
    call GET "$path"
    status=$(jq -r ".$envelope.status" <<<"$BODY")
    case $status in
      succeeded) return 0 ;;
      failed) echo "$envelope failed: $BODY" >&2; exit 1 ;;
    esac
    sleep 0.5
  done
  echo "$envelope still $status" >&2
  exit 1
}

# 1. A source
call POST /v1/sources '{"name":"curl example","graceDays":7}'
SID=$(jq -r .source.id <<<"$BODY")
echo "source: $SID"

# 2. Items: one upsert, then a batch
call POST "/v1/sources/$SID/items" \
  '{"externalItemId":"refunds","title":"Refunds","content":"Refunds take 14 days to reach your card.","tags":["billing"]}'
echo "upsert refunds: $STATUS $(jq -r .outcome <<<"$BODY")"
call POST "/v1/sources/$SID/items/batch" '{"items":[
  {"externalItemId":"shipping","title":"Shipping","content":"We ship every order within 2 days."},
  {"externalItemId":"returns","title":"Returns","content":"Returns are free for 30 days."}]}'
echo "batch: $(jq -c '{succeeded, failed}' <<<"$BODY")"

# 3. Run (201, or 202 to poll), then apply it (200, or 202 to poll)
call POST "/v1/sources/$SID/runs"
RUN=$BODY
if [[ $STATUS == 202 ]]; then poll "$LOCATION" run; RUN=$BODY; fi
RID=$(jq -r .run.id <<<"$RUN")
echo "run: $RID $(jq -c .run.counts <<<"$RUN")"
call POST "/v1/sources/$SID/runs/$RID/apply"
APPLIED=$BODY
if [[ $STATUS == 202 ]]; then poll "$LOCATION" generation; APPLIED=$(jq -c '{status: "published", generationId: .generation.id}' <<<"$BODY"); fi
echo "apply: $(jq -c '{status, generationId}' <<<"$APPLIED")"

# 4. Search, then ask (a read key would do)
call POST /v1/search "$(jq -nc --arg sid "$SID" '{query: "how long do refunds take", sourceIds: [$sid], limit: 3}')"
SEARCH=$BODY
echo "search: $(jq -c '[.results[] | {id: .item.externalItemId, score}]' <<<"$SEARCH")"
call POST /v1/query "$(jq -nc --arg sid "$SID" '{query: "How long do refunds take?", sourceIds: [$sid]}')"
ANSWER=$BODY
echo "answer: $(jq -r .answer <<<"$ANSWER")"

jq -nc --arg sid "$SID" --argjson run "$RUN" --argjson applied "$APPLIED" --argjson search "$SEARCH" --argjson answer "$ANSWER" '{
  sourceId: $sid, counts: $run.run.counts, applyStatus: $applied.status, generationId: $applied.generationId,
  searchIds: [$search.results[].item.externalItemId], answer: $answer.answer,
  citedIds: [$answer.sources[].externalItemId]}'
