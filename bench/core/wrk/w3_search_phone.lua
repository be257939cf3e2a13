-- W3: GET /api/v1/parties?phone= for a random known party.
package.path = (os.getenv("KCC_BENCH_LUA") or "bench/core/wrk") .. "/?.lua;" .. package.path
local common = require("common")

setup = common.setup
done = common.done

init, request = common.authenticated_get("phones.txt", "/api/v1/parties?phone=")
