-- W3: GET /api/v1/parties?bsn= for a random known party.
package.path = (os.getenv("KCC_BENCH_LUA") or "bench/core/wrk") .. "/?.lua;" .. package.path
local common = require("common")

setup = common.setup
done = common.done

init, request = common.authenticated_get("bsns.txt", "/api/v1/parties?bsn=")
