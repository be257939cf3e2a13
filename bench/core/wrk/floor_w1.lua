-- The least W1 can cost: POST /floor/w1 with the W1 body (the essential writes; no app).
package.path = (os.getenv("KCC_BENCH_LUA") or "bench/core/wrk") .. "/?.lua;" .. package.path
local common = require("common")
local parties, headers
local subjects = { "Vraag over afvalinzameling", "Paspoort aanvragen", "Parkeervergunning", "Bezwaar WOZ" }
local text = "Inwoner belt over de status van de aanvraag; uitgelegd wat de vervolgstappen zijn " ..
  "en wanneer een besluit te verwachten is."

setup = common.setup
done = common.done

function init(args)
  math.randomseed(os.time() + (thread_index or 0))
  parties = common.lines("parties.txt")
  headers = { ["Authorization"] = "Bearer " .. common.token(), ["Content-Type"] = "application/json" }
end

function request()
  local body = string.format(
    '{"channel":"phone","direction":"inbound","subject":"%s","text":"%s","outcome":"answered",' ..
    '"parties":[{"party_id":"%s","role":"resident"}]}',
    subjects[math.random(#subjects)], text, parties[math.random(#parties)])
  return wrk.format("POST", "/floor/w1", headers, body)
end
