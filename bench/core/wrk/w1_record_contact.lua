-- W1: POST /api/v1/contact-moments for an existing (ordinary) party.
package.path = (os.getenv("KCC_BENCH_LUA") or "bench/core/wrk") .. "/?.lua;" .. package.path
local common = require("common")

setup = common.setup
done = common.done

init, request = common.authenticated_post("parties.txt", "/api/v1/contact-moments", common.contact_moment)
