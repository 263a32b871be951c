# make translations: compile ckanext-casa's gettext catalogues (.po -> .mo)
# with Babel (a CKAN dependency, in the venv). The .mo files are build
# output, not committed: several people edit the .po files at once, and a
# binary file cannot be merged. make setup-test and make setup-demo (so
# make test and make demo) compile what changed; a test checks that every
# .mo matches its .po.
I18N_DIR := ckanext-casa/ckanext/casa/i18n
MO_FILES := $(patsubst %.po,%.mo,$(wildcard $(I18N_DIR)/*/LC_MESSAGES/ckanext-casa.po))
.PHONY: translations

translations: $(MO_FILES)
setup-test setup-demo: translations

$(I18N_DIR)/%.mo: $(I18N_DIR)/%.po | system install
	@$(VENV)/bin/pybabel compile -i $< -o $@
