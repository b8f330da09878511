// veraPDF's validation of PDF files, for `python -m pipeline check` (pipeline/checks/verapdf.py).
//
// Run with Java's single-file source launcher, the veraPDF library on the class path:
//   java -cp JAXB:VERAPDF VeraCheck.java PROFILE FILE...
// PROFILE is a veraPDF flavour id: "ua1" (PDF/UA-1) or "wcag2_2_machine".
// Prints one tab-separated line per failed check: FILE, clause-test, page context, message;
// then "done FILE" per file. Exit 0 when it ran, whatever it found; 2 on a bad argument.
import java.io.FileInputStream;
import java.io.InputStream;
import java.util.Locale;
import org.verapdf.gf.foundry.VeraGreenfieldFoundryProvider;
import org.verapdf.pdfa.Foundries;
import org.verapdf.pdfa.PDFAParser;
import org.verapdf.pdfa.PDFAValidator;
import org.verapdf.pdfa.flavours.PDFAFlavour;
import org.verapdf.pdfa.results.TestAssertion;
import org.verapdf.pdfa.results.ValidationResult;
import org.verapdf.pdfa.validation.validators.ValidatorFactory;

public class VeraCheck {
    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: VeraCheck PROFILE FILE...");
            System.exit(2);
        }
        Locale.setDefault(Locale.ENGLISH);
        VeraGreenfieldFoundryProvider.initialise();
        PDFAFlavour flavour = PDFAFlavour.byFlavourId(args[0]);
        for (int i = 1; i < args.length; i++) {
            String file = args[i];
            try (InputStream in = new FileInputStream(file);
                 PDFAParser parser = Foundries.defaultInstance().createParser(in, flavour)) {
                PDFAValidator validator = ValidatorFactory.createValidator(flavour, false, 100);
                ValidationResult result = validator.validate(parser);
                for (TestAssertion a : result.getTestAssertions()) {
                    if (a.getStatus() != TestAssertion.Status.FAILED) continue;
                    String context = a.getLocation() == null ? "" : a.getLocation().getContext();
                    String message = a.getErrorMessage() != null ? a.getErrorMessage() : a.getMessage();
                    System.out.println(String.join("\t", file,
                        a.getRuleId().getClause() + "-" + a.getRuleId().getTestNumber(),
                        clean(context), clean(message)));
                }
            } catch (Exception e) {
                System.out.println(String.join("\t", file, "error", "", clean(String.valueOf(e))));
            }
            System.out.println("done\t" + file);
        }
    }

    private static String clean(String text) {
        return text == null ? "" : text.replaceAll("[\\t\\r\\n]+", " ");
    }
}
