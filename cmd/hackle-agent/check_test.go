package main

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/hackle/hackle-agent/agent/store/storetest"
)

// s3TestBucket makes a bucket on the test S3 server and returns the
// environment that points the agent at it with the given keys.
func s3TestBucket(t *testing.T) (bucket string, env []string, root *awss3.Client) {
	v := storetest.Env(t, "HACKLE_TEST_S3_ENDPOINT", "HACKLE_TEST_S3_ACCESS_KEY", "HACKLE_TEST_S3_SECRET_KEY")
	root = awss3.New(awss3.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(v[0]), UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider(v[1], v[2], ""),
	})
	bucket = storetest.UniqueName("hackle-cli")
	ctx := context.Background()
	if _, err := root.CreateBucket(ctx, &awss3.CreateBucketInput{Bucket: &bucket}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		out, _ := root.ListObjectsV2(ctx, &awss3.ListObjectsV2Input{Bucket: &bucket})
		if out != nil {
			for _, o := range out.Contents {
				root.DeleteObject(ctx, &awss3.DeleteObjectInput{Bucket: &bucket, Key: o.Key})
			}
		}
		root.DeleteBucket(ctx, &awss3.DeleteBucketInput{Bucket: &bucket})
	})
	env = []string{
		"HACKLE_AGENT_ENDPOINT=" + v[0], "HACKLE_AGENT_PATH_STYLE=true",
		"AWS_ACCESS_KEY_ID=" + v[1], "AWS_SECRET_ACCESS_KEY=" + v[2], "AWS_PROFILE=",
		"AWS_CONFIG_FILE=/nonexistent", "AWS_SHARED_CREDENTIALS_FILE=/nonexistent",
	}
	return bucket, env, root
}

func TestCheckCommandPasses(t *testing.T) {
	bucket, env, _ := s3TestBucket(t)
	res := runAgent(t, t.TempDir(), env, "check", "--dest", "s3://"+bucket+"/test/prefix-custom")
	if res.code != 0 || !strings.Contains(res.stdout, "OK: every permission") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", res.code, res.stdout, res.stderr)
	}
	for _, p := range []string{"s3:GetBucketLocation", "s3:ListBucket", "s3:PutObject", "s3:GetObject", "s3:GetObjectVersion", "s3:DeleteObject"} {
		if !strings.Contains(res.stdout, p) {
			t.Errorf("table does not list %s:\n%s", p, res.stdout)
		}
	}
}

// noDeleteBucket makes a test bucket and returns the environment of the
// limited test user, allowed everything Hackle asks for under s3://bucket/p
// except s3:DeleteObject.
func noDeleteBucket(t *testing.T) (bucket string, env []string) {
	bucket, env, root := s3TestBucket(t)
	lim := storetest.Env(t, "HACKLE_TEST_S3_LIMITED_ACCESS_KEY", "HACKLE_TEST_S3_LIMITED_SECRET_KEY")
	policy := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[
{"Effect":"Allow","Principal":{"AWS":[%q]},"Action":["s3:GetObject","s3:GetObjectVersion","s3:PutObject"],"Resource":"arn:aws:s3:::%s/p/*"},
{"Effect":"Allow","Principal":{"AWS":[%q]},"Action":["s3:ListBucket","s3:GetBucketLocation"],"Resource":"arn:aws:s3:::%s"}]}`,
		lim[0], bucket, lim[0], bucket)
	if _, err := root.PutBucketPolicy(context.Background(), &awss3.PutBucketPolicyInput{Bucket: &bucket, Policy: &policy}); err != nil {
		t.Fatal(err)
	}
	env = append(env, "AWS_ACCESS_KEY_ID="+lim[0], "AWS_SECRET_ACCESS_KEY="+lim[1])
	return bucket, env
}

func TestCheckCommandNoDelete(t *testing.T) {
	bucket, env := noDeleteBucket(t)
	res := runAgent(t, t.TempDir(), env, "check", "--dest", "s3://"+bucket+"/p")
	if res.code != 2 || !strings.Contains(res.stdout, "missing permission(s): s3:DeleteObject\n") {
		t.Fatalf("exit %d, want 2 naming s3:DeleteObject\nstdout:\n%s\nstderr:\n%s", res.code, res.stdout, res.stderr)
	}
	if secret := storetest.Env(t, "HACKLE_TEST_S3_LIMITED_SECRET_KEY")[0]; strings.Contains(res.stdout+res.stderr, secret) {
		t.Fatal("output contains the secret key")
	}
}

func TestCheckCommandWrongSecret(t *testing.T) {
	bucket, env, _ := s3TestBucket(t)
	const secret = "not-the-secret-0123456789abcdef"
	env = append(env, "AWS_SECRET_ACCESS_KEY="+secret)
	res := runAgent(t, t.TempDir(), env, "check", "--dest", "s3://"+bucket+"/p")
	out := res.stdout + res.stderr
	if res.code != 2 || strings.Contains(out, secret) || !strings.Contains(out, "environment (AWS_ACCESS_KEY_ID)") {
		t.Fatalf("exit %d, want 2 naming the credential source without the secret\n%s", res.code, out)
	}
}

func TestCheckCommandUsage(t *testing.T) {
	for _, args := range [][]string{{"check"}, {"check", "--dest", "ftp://x/y"}} {
		res := runAgent(t, t.TempDir(), nil, args...)
		if res.code != 1 {
			t.Errorf("%q: exit %d (%s), want 1", args, res.code, res.stderr)
		}
	}
}

func TestCheckCommandLocalFolder(t *testing.T) {
	dir := t.TempDir()
	res := runAgent(t, dir, nil, "check", "--dest", dir+"/bucket")
	if res.code != 0 {
		t.Fatalf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
}
