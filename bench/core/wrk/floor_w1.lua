-- The least W1 can cost: the W1 body sent to POST /floor/w1 (the essential writes; no app).
package.path = (os.getenv("KCC_BENCH_LUA") or "bench/core/wrk") .. "/?.lua;" .. package.path
local common = require("common")

setup = common.setup
done = common.done

init, request = common.authenticated_post("parties.txt", "/floor/w1", common.contact_moment)
