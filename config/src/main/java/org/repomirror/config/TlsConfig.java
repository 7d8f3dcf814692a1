package org.repomirror.config;

import java.nio.file.Path;

/**
 * TLS for the public listener. Both files are PEM.
 *
 * @param certificate the certificate chain
 * @param privateKey the PKCS#8 private key
 */
public record TlsConfig(Path certificate, Path privateKey) {
  public TlsConfig {
    if (certificate == null) {
      throw new InvalidValueException("certificate", "is required when tls is set");
    }
    if (privateKey == null) {
      throw new InvalidValueException("private-key", "is required when tls is set");
    }
  }
}
