package gcs

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/hackle/hackle-agent/agent/store"
)

// Permissions are what a GCS custom role for Hackle holds.
var Permissions = []string{
	"storage.buckets.get",
	"storage.objects.get",
	"storage.objects.create",
	"storage.objects.delete",
	"storage.objects.list",
}

// RoleID is the custom role's id in the printed gcloud command.
const RoleID = "hackleDataImport"

// policy is what the customer gives Hackle on gs://bucket/prefix: the
// permissions and the gcloud commands that grant them.
func policy(u *url.URL) (store.Policy, error) {
	if u.Host == "" {
		return store.Policy{}, fmt.Errorf("no bucket in %q (want gs://bucket/prefix)", u.String())
	}
	return store.Policy{Text: Policy(u.Host, u.Path)}, nil
}

// Policy lists the five permissions and the gcloud commands that make a
// custom role of them and grant it on the bucket.
func Policy(bucket, prefix string) string {
	var b strings.Builder
	where := "gs://" + bucket
	if p := strings.Trim(prefix, "/"); p != "" {
		where += "/" + p
	}
	fmt.Fprintf(&b, "# Hackle needs these permissions on %s:\n", where)
	for _, p := range Permissions {
		fmt.Fprintf(&b, "#   %s\n", p)
	}
	b.WriteString("# 1. Create a custom role holding exactly them (replace PROJECT_ID):\n")
	fmt.Fprintf(&b, "gcloud iam roles create %s --project=PROJECT_ID --title=\"Hackle Data Import\" --permissions=%s\n",
		RoleID, strings.Join(Permissions, ","))
	b.WriteString("# 2. Grant it on the bucket to the service account whose key you give Hackle (replace SA_EMAIL):\n")
	fmt.Fprintf(&b, "gcloud storage buckets add-iam-policy-binding gs://%s --member=serviceAccount:SA_EMAIL --role=projects/PROJECT_ID/roles/%s\n",
		bucket, RoleID)
	return b.String()
}
