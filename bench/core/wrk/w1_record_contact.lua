-- W1: POST /api/v1/contact-moments for an existing (ordinary) party.
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
  return wrk.format("POST", "/api/v1/contact-moments", headers, body)
end
