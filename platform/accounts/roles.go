package accounts

import (
	"fmt"
	"slices"
	"strings"
)

// Roles of the admin API. A principal may hold several.
const (
	// RoleAdmin may do everything, including managing users and API keys.
	// Seeing message payloads still needs PermPHI.
	RoleAdmin = "admin"
	// RoleOperator may do what a viewer may, and start and stop channels,
	// resend messages and replay dead letters.
	RoleOperator = "operator"
	// RoleViewer may read metadata: channels, queues, message listings and
	// details without payloads, dead letters, configuration, metrics.
	RoleViewer = "viewer"
	// RoleAuditor may read the audit log.
	RoleAuditor = "auditor"
)

// PermPHI is the permission to see message payloads and destination
// responses, which hold patient data. It is granted apart from the roles
// because most operators never need it.
const PermPHI = "phi"

// Roles lists every role, for validation and help texts.
var Roles = []string{RoleAdmin, RoleOperator, RoleViewer, RoleAuditor}

// Permissions lists every permission.
var Permissions = []string{PermPHI}

// checkGrants validates roles and permissions and returns them sorted and
// without duplicates. At least one role is required: a principal with none
// could not do anything but look at itself.
func checkGrants(roles, perms []string) ([]string, []string, error) {
	r, err := checkNames("role", roles, Roles)
	if err != nil {
		return nil, nil, err
	}
	if len(r) == 0 {
		return nil, nil, fmt.Errorf("%w: at least one role is required (%s)", ErrInvalid, strings.Join(Roles, ", "))
	}
	p, err := checkNames("permission", perms, Permissions)
	if err != nil {
		return nil, nil, err
	}
	return r, p, nil
}

func checkNames(what string, names, known []string) ([]string, error) {
	out := make([]string, 0, len(names))
	for _, n := range names {
		n = strings.ToLower(strings.TrimSpace(n))
		if !slices.Contains(known, n) {
			return nil, fmt.Errorf("%w: unknown %s %q (known: %s)", ErrInvalid, what, n, strings.Join(known, ", "))
		}
		out = append(out, n)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// joinList and splitList store a list of names in one text column.
func joinList(l []string) string { return strings.Join(l, ",") }

func splitList(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, ",")
}

// checkName validates a user or API key name: 1 to 64 letters, digits and
// ". _ - @", so that it is safe in logs, URLs and the audit log.
func checkName(name string) error {
	if name == "" || len(name) > 64 {
		return fmt.Errorf("%w: a name must have 1 to 64 characters", ErrInvalid)
	}
	for _, c := range name {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("._-@", c)
		if !ok {
			return fmt.Errorf("%w: name %q may hold only letters, digits and . _ - @", ErrInvalid, name)
		}
	}
	return nil
}
