/**
 * Tests that hold the documentation to the code (the README settings table is generated from the declarations).
 */
package io.sdfleet.local.docs;
