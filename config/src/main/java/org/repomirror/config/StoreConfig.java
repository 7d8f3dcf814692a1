package org.repomirror.config;

import java.net.URI;
import java.nio.file.Path;

/**
 * Where the published tree lives when it is not the mirror's root folder: an S3-compatible object
 * store. The root folder then keeps only the sync's own state (its index, staging, reports, lock).
 *
 * @param location {@code s3://BUCKET} or {@code s3://BUCKET/PREFIX}
 * @param endpoint the store's URL ({@code http://127.0.0.1:7480} for a local Ceph RGW); absent for
 *     AWS itself
 * @param region the region requests are signed for; {@code us-east-1} by default, which suits most
 *     stores that are not AWS
 * @param pathStyle the bucket in the URL's path rather than its host name, as Ceph RGW and MinIO
 *     want; by default true when an endpoint is given, else false
 * @param credentialsFile an AWS-style credentials file ({@code [default]} with {@code
 *     aws_access_key_id} and {@code aws_secret_access_key}) that only the service user may read;
 *     absent for the environment's {@code AWS_ACCESS_KEY_ID} and {@code AWS_SECRET_ACCESS_KEY}, or
 *     the SDK's other usual places
 */
public record StoreConfig(
    URI location, URI endpoint, String region, Boolean pathStyle, Path credentialsFile) {
  public StoreConfig {
    if (location == null) {
      throw new InvalidValueException("location", "needs s3://BUCKET[/PREFIX]");
    }
    if (!"s3".equals(location.getScheme()) || location.getHost() == null) {
      throw new InvalidValueException(
          "location", "must be s3://BUCKET[/PREFIX], got '" + location + "'");
    }
    if (endpoint != null
        && !("http".equals(endpoint.getScheme()) || "https".equals(endpoint.getScheme()))) {
      throw new InvalidValueException(
          "endpoint", "must be an http:// or https:// URL, got '" + endpoint + "'");
    }
    region = region != null ? region : "us-east-1";
    pathStyle = pathStyle != null ? pathStyle : endpoint != null;
  }
}
