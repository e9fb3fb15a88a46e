package dev.bloop.kotlin

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.io.DataInputStream
import java.io.File
import java.util.jar.JarFile

/** After `package`: what an Android or JVM app gets from the published jar. */
class PackagedJarIT {
    private val jar = File(System.getProperty("bloop.packagedJar") ?: "target/bloop-kotlin-0.1.0.jar")

    @Test
    fun holdsTheSdkAndTheLicenseButNoAndroidStub() {
        JarFile(jar).use { j ->
            val names = j.entries().toList().map { it.name }
            assertTrue("dev/bloop/kotlin/BloopClient.class" in names)
            assertTrue("dev/bloop/kotlin/android/BloopAndroid.class" in names)
            assertTrue("META-INF/LICENSE" in names)
            assertEquals(emptyList<String>(), names.filter { it.startsWith("android/") }, "stubs must never ship: Android has the real classes")
        }
    }

    @Test
    fun classFilesAreJava8SoAndroidToolchainsTakeThem() {
        JarFile(jar).use { j ->
            val classes = j.entries().toList().filter { it.name.endsWith(".class") }
            assertTrue(classes.size > 10)
            for (entry in classes) {
                DataInputStream(j.getInputStream(entry)).use { input ->
                    assertEquals(0xCAFEBABE.toInt(), input.readInt())
                    input.readUnsignedShort()
                    val major = input.readUnsignedShort()
                    assertEquals(52, major, "${entry.name}: class file major version")
                }
            }
        }
    }
}
