-- The least W2-light can cost: GET /floor/w2/{id} for an ordinary party.
package.path = (os.getenv("KCC_BENCH_LUA") or "bench/core/wrk") .. "/?.lua;" .. package.path
local common = require("common")

setup = common.setup
done = common.done

init, request = common.authenticated_get("parties.txt", "/floor/w2/")
