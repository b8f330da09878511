// veraPDF's validation of PDF files, for `python -m pipeline check` (pipeline/checks/verapdf.py).
//
// Run with Java's single-file source launcher, the veraPDF library on the class path:
//   java -cp JAXB:VERAPDF VeraCheck.java PROFILE[,PROFILE...] FILE...
// A PROFILE is a veraPDF flavour id ("ua1" for PDF/UA-1) or the path of a profile's XML file
// (the WCAG 2.2 machine profile is not built into the library; see ../verapdf_profiles/).
// Prints one tab-separated line per failed check: FILE, specification (ISO_14289_1 is
// PDF/UA-1, WCAG_2_2 is WCAG 2.2), clause-test, page context, message; then "done FILE" per
// file. A WCAG profile repeats the PDF/UA-1 rules: the caller drops the second finding. Exit 0 when it ran, whatever it found; 2 on a bad argument.
import java.io.FileInputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.verapdf.gf.foundry.VeraGreenfieldFoundryProvider;
import org.verapdf.pdfa.Foundries;
import org.verapdf.pdfa.PDFAParser;
import org.verapdf.pdfa.PDFAValidator;
import org.verapdf.pdfa.flavours.PDFAFlavour;
import org.verapdf.pdfa.results.TestAssertion;
import org.verapdf.pdfa.results.ValidationResult;
import org.verapdf.pdfa.validation.profiles.Profiles;
import org.verapdf.pdfa.validation.profiles.ValidationProfile;
import org.verapdf.pdfa.validation.validators.ValidatorFactory;

public class VeraCheck {
    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: VeraCheck PROFILE[,PROFILE...] FILE...");
            System.exit(2);
        }
        Locale.setDefault(Locale.ENGLISH);
        VeraGreenfieldFoundryProvider.initialise();
        List<String> names = new ArrayList<>();
        List<ValidationProfile> profiles = new ArrayList<>();
        for (String name : args[0].split(",")) {
            names.add(name);
            if (name.endsWith(".xml")) {
                try (InputStream in = new FileInputStream(name)) {
                    profiles.add(Profiles.profileFromXml(in));
                }
            } else {
                PDFAFlavour flavour = PDFAFlavour.byFlavourId(name);
                if (flavour == PDFAFlavour.NO_FLAVOUR) {
                    System.err.println("unknown profile: " + name);
                    System.exit(2);
                }
                profiles.add(Profiles.getVeraProfileDirectory().getValidationProfileByFlavour(flavour));
            }
        }
        for (int i = 1; i < args.length; i++) {
            String file = args[i];
            for (int p = 0; p < profiles.size(); p++) {
                ValidationProfile profile = profiles.get(p);
                try (InputStream in = new FileInputStream(file);
                     PDFAParser parser = Foundries.defaultInstance().createParser(in, profile.getPDFAFlavour())) {
                    PDFAValidator validator = ValidatorFactory.createValidator(profile, false, 100);
                    ValidationResult result = validator.validate(parser);
                    for (TestAssertion a : result.getTestAssertions()) {
                        if (a.getStatus() != TestAssertion.Status.FAILED) continue;
                        String context = a.getLocation() == null ? "" : a.getLocation().getContext();
                        String message = a.getErrorMessage() != null ? a.getErrorMessage() : a.getMessage();
                        System.out.println(String.join("\t", file,
                            a.getRuleId().getSpecification().getId(),
                            a.getRuleId().getClause() + "-" + a.getRuleId().getTestNumber(),
                            clean(context), clean(message)));
                    }
                } catch (Exception e) {
                    System.out.println(String.join("\t", file, names.get(p), "error", "", clean(String.valueOf(e))));
                }
            }
            System.out.println("done\t" + file);
        }
    }

    private static String clean(String text) {
        return text == null ? "" : text.replaceAll("[\\t\\r\\n]+", " ");
    }
}
