-- W1 through the standard: POST /klantinteracties/api/v1/maak-klantcontact for an existing party.
package.path = (os.getenv("KCC_BENCH_LUA") or "bench/core/wrk") .. "/?.lua;" .. package.path
local common = require("common")

setup = common.setup
done = common.done

local function klantcontact(party_id)
  return string.format(
    '{"klantcontact":{"kanaal":"telefoon","onderwerp":"%s","inhoud":"%s","taal":"nld",' ..
    '"vertrouwelijk":false,"indicatieContactGelukt":true},' ..
    '"betrokkene":{"wasPartij":{"uuid":"%s"},"rol":"klant","initiator":true}}',
    common.subjects[math.random(#common.subjects)], common.text, party_id)
end

init, request = common.authenticated_post(
  "parties.txt", "/klantinteracties/api/v1/maak-klantcontact", klantcontact, "Token")
