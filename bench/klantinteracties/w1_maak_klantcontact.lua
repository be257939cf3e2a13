-- W1 through the standard: POST /klantinteracties/api/v1/maak-klantcontact for an existing party.
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
  headers = { ["Authorization"] = "Token " .. common.token(), ["Content-Type"] = "application/json" }
end

function request()
  local body = string.format(
    '{"klantcontact":{"kanaal":"telefoon","onderwerp":"%s","inhoud":"%s","taal":"nld",' ..
    '"vertrouwelijk":false,"indicatieContactGelukt":true},' ..
    '"betrokkene":{"wasPartij":{"uuid":"%s"},"rol":"klant","initiator":true}}',
    subjects[math.random(#subjects)], text, parties[math.random(#parties)])
  return wrk.format("POST", "/klantinteracties/api/v1/maak-klantcontact", headers, body)
end
