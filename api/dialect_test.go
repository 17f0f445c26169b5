package api

import (
	"os"
	"testing"

	"github.com/plexus-health/plexus/platform/store"
	"github.com/plexus-health/plexus/platform/store/storetest"
)

// testDialect is the store the tests run on: TestMain runs them on SQLite,
// then on PostgreSQL when PLEXUS_TEST_POSTGRES_URL names a server.
var testDialect store.Dialect

func TestMain(m *testing.M) { os.Exit(storetest.RunBoth(m, &testDialect)) }
