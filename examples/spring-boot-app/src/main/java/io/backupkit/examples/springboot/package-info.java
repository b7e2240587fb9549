/** Example: a Spring Boot host application that gets backups from backupkit's starter. */
package io.backupkit.examples.springboot;
