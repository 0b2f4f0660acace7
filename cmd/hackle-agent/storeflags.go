package main

import (
	"github.com/urfave/cli/v2"

	"github.com/hackle/hackle-agent/agent/store"
	_ "github.com/hackle/hackle-agent/agent/store/gcs" // gs:// and gcs://
	_ "github.com/hackle/hackle-agent/agent/store/s3"  // s3://
)

// storeFlags are the connection flags of every command that opens a
// store (export, validate, check, pull): credentials, region and endpoint.
// The destination flag itself belongs to each command.
func storeFlags() []cli.Flag {
	return []cli.Flag{
		stringFlag("profile", "", "S3: shared-config profile (default: the AWS default credential chain)"),
		stringFlag("region", "", "S3: bucket region (default: found with GetBucketLocation)"),
		stringFlag("role-arn", "", "S3: role to assume with STS AssumeRole"),
		stringFlag("external-id", "", "S3: external id for --role-arn"),
		stringFlag("endpoint", "", "S3-compatible store or GCS emulator URL, e.g. http://127.0.0.1:7070"),
		boolFlag("path-style", "S3: path-style addressing (https://host/bucket/key), for S3-compatible stores"),
		stringFlag("credentials-file", "", "GCS: service-account key file (default: Application Default Credentials)"),
	}
}

// storeOptions turns the store flags into store.Options.
func storeOptions(c *cli.Context) store.Options {
	return store.Options{
		Profile:         c.String("profile"),
		Region:          c.String("region"),
		RoleARN:         c.String("role-arn"),
		ExternalID:      c.String("external-id"),
		PathStyle:       c.Bool("path-style"),
		CredentialsFile: c.String("credentials-file"),
		Endpoint:        c.String("endpoint"),
	}
}

// destFlag is --dest for the commands that only name a destination.
func destFlag() cli.Flag {
	return stringFlag("dest", "", "bucket root: s3://bucket/prefix, gs://bucket/prefix or a folder", "d")
}
